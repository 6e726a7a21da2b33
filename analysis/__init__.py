"""Analysis package for the drug law enforcement comparison book: all logic lives here."""
