"""Services per stage. Each takes the session and the acting person, checks what that
person may do, and commits its own writes."""
