"""Alert e-mails on the web: the officers' preview and the public hot-sheet subscription pages."""
