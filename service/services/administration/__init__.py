"""Running the instance: sites, moderator accounts, API tokens, articles as admins see them, privacy export and erase."""
