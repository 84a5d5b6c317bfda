# The developer loop: each target runs the devctl.py subcommand of the same name.
# Options pass through ARGS, e.g. make test ARGS="--tags /whatsapp_inbox:TestInboundFlow".
.PHONY: setup test demo lint bench

setup test demo lint bench:
	python3 devctl.py $@ $(ARGS)
