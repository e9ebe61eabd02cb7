"""The CLI's commands, a module per group; each command is ``cmd_X(args, bars) -> exit code``."""
