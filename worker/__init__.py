"""Rasad (رصد): a streaming news-monitoring worker for Arabic news."""

__version__ = "0.1.0"
