"""Moved: the task's public page is `portal.views.task` (still named "public-task")."""
