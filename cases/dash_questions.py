"""The default DASH question set: short labels only. The SafeLives wording is licensed: an operator who holds the
licence loads it with ``manage.py load_dash_questions FILE`` (a JSON list of {number, label, text})."""

SHORT_LABELS = (
    "Current injury",
    "Very frightened",
    "What the victim is afraid of",
    "Isolated from family or friends",
    "Depressed or suicidal thoughts",
    "Separation or trying to separate",
    "Conflict over child contact",
    "Constant texting, calling, following (stalking)",
    "Pregnant or recent birth",
    "Abuse of children in the household",
    "Abuse getting worse",
    "Abuse happening more often",
    "Tried to strangle, choke, suffocate or drown",
    "Threats to kill",
    "Weapon used or threatened",
    "Threats to hurt children or others",
    "Sexual abuse",
    "Other person threatened or assaulted",
    "Hurt animals or pets",
    "Financial issues",
    "Alcohol, drugs or mental health problems",
    "Threatened or attempted suicide",
    "Breached bail or an order",
    "Known criminal history or violence",
)

DEFAULT_VERSION = "short-labels-1"


def default_questions() -> list[dict[str, object]]:
    return [{"number": i, "label": label, "text": ""} for i, label in enumerate(SHORT_LABELS, start=1)]
