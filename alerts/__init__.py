"""Alert e-mails: who is told what, composed from the database and sent over SMTP.

`compose` builds the officers' digests, owner checks and the hot sheet (and sends them through
`mail`); `settings` reads farmwatch.toml and the environment. The package sits above `registry` and
`matching` (digests name seller networks) and below the command line and the web, so `farmwatch
alerts send`, the nightly run and the workspace's preview pages share one composer.
"""
