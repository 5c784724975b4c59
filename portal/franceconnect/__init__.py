"""Sign-in through FranceConnect, the State's identity federation, as an OpenID Connect provider of django-allauth."""
