from contextvars import ContextVar

# The id of the HTTP request (or command run) that causes a state change.
request_id_var: ContextVar[str] = ContextVar("request_id", default="")
