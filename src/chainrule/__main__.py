"""``python -m chainrule``: show the seeds' examples differentiated (see chainrule.demo)."""

from chainrule.demo import main

if __name__ == "__main__":
    main()
