"""``python -m qcasim``: the ``qcasim`` command line (:func:`qcasim.cli.main`)."""

from qcasim.cli import main

if __name__ == "__main__":
    main()
