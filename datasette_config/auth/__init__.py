"""Who is asking: server-side sessions, the login and logout pages, the signing secret, and the access log."""
