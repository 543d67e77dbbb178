"""What readers do: submit, edit and delete comments, read threads and counts, report comments."""
