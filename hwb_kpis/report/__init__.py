"""The board pack: pages (what each notebook computes and says), words, plots, and the build
that runs the notebooks and renders, publishes and checks the pack."""
