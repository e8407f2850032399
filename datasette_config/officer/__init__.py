"""The officer's workspace: match queues, a match and an item, decisions, case export, search, map and trends."""
