"""What moderators decide and how: the seam to the rule engine, status changes, the queue, history, blocks, policies."""
