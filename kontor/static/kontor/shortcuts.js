/* Keyboard shortcuts of every page: filled in below. */
