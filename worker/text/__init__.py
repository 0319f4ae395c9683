"""Arabic text handling shared by every stage that matches text: normaliser and term matcher."""
