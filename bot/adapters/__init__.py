"""Front ends: each turns platform events into core Commands and renders core views."""
