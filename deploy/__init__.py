"""Running the dashboard for many users: the shipped nginx configuration and `make serve`."""
