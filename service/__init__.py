"""The HTTP service and the command line: answers over an index that index/ built."""
