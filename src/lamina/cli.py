"""The ``lamina`` command (also ``python -m lamina``).

    lamina --version          print the version
    lamina demo               kerasR's Boston Housing example, a tuned Keras-style model,
                              and the rnn package's binary addition
    lamina demo --quick       the same for a few epochs (a smoke test)

Only argparse is imported up front; NumPy and the models load when a command needs them,
so ``lamina --version`` and ``lamina --help`` answer at once.
"""
import argparse
import sys


def _version():
    from lamina import __version__
    return __version__


def _demo(args):
    from lamina import demo
    demo.run(verbose=args.verbose, quick=args.quick, seed=args.seed)
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="lamina",
        description="lamina: Keras-style deep learning on NumPy, with its own autodiff.",
        epilog="Run 'lamina COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"lamina {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    demo = commands.add_parser(
        "demo", help="Boston Housing (kerasR and Keras style) and binary addition (rnn)",
        description="Train kerasR's Boston Housing example (rows L2-normalized, as in its "
                    "README) and a Keras-style model with z-scored features, then print the "
                    "test score sd(pred - y) / sd(y) of each; then the rnn package's binary "
                    "addition example (trainr), scored on unseen pairs. Works offline when the "
                    "Boston data is cached or the `boston` package is installed.")
    demo.add_argument("--quick", action="store_true",
                      help="train for a few epochs only (a smoke test; the scores mean little)")
    demo.add_argument("--verbose", type=int, choices=(0, 1, 2), default=0,
                      help="0: one line per model (default); 1: progress bars; "
                           "2: one line per epoch")
    demo.add_argument("--seed", type=int, default=None,
                      help="random seed (default: the demo's fixed seed)")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv=None):
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit status.

    Bad usage (an unknown command or option) prints the usage and returns 2.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version and usage errors: argparse has printed
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    if args.command is None:
        parser.print_help(sys.stderr)
        print("\nlamina: error: a command is required (e.g. 'lamina demo')", file=sys.stderr)
        return 2
    if getattr(args, "seed", 0) is None:
        from lamina.demo import DEFAULT_SEED
        args.seed = DEFAULT_SEED
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("lamina: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `lamina demo --verbose 1 | head`): stop quietly, and
        # point stdout at devnull so Python's exit-time flush cannot fail again.
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
