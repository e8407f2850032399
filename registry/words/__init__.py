"""The words a person reads for what the register stores: states (`labels`) and evidence (`evidence`)."""
