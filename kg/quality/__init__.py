"""Quality: validation, inference, evaluation against gold, calibration, statistics."""
