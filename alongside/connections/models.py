"""Introductions with permission on both sides, and matching on what people share."""
