"""People who use farmwatch: `users` (web accounts with Argon2 password hashes), `subscriptions`
(hot-sheet subscriptions confirmed by e-mail)."""
