"""Mail channel: mailboxes in, replies out."""
