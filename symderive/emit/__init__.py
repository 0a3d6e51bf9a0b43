"""Emitters: turn verified derivation results into the files of generated/ (and the package's
runtime terms), as a mapping from relative path to bytes, so that build and check share one
render."""
