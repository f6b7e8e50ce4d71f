"""``python -m qcasim``: the ``qcasim`` command line (:func:`experiments.cli.main`)."""

from experiments.cli import main

if __name__ == "__main__":
    main()
