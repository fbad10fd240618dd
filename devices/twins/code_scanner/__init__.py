"""Twin of the code scanners: the simulated scanner fed images or scanner lines."""
