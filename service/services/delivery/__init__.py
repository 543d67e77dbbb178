"""What leaves the service: events turned into outbox rows, webhooks, mail, digests, reply notifications."""
