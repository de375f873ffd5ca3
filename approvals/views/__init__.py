"""Server-rendered pages: parse input, check access, call a service, render."""
