"""Models of the safeguarding adult reviews app."""
