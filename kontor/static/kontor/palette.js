/* The command palette (Ctrl/Cmd+K): filled in below. */
