"""Pages without login: the public register, verification, health."""
