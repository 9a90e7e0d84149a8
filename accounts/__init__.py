"""Signing in: passwords (Django's), two-factor devices (django-otp) and the account page."""
