; not compiled: the plan's estimated cost 5403 is over the compile budget 4096, so it runs on the interpreter
