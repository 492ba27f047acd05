"""The user project under ``user_project/`` runs in its own virtualenv, never in this one."""

collect_ignore_glob = ["user_project/*"]
