"""marshmallow schemas: every input and output of the JSON API."""
