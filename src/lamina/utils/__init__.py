"""Small utilities shared across lamina."""
