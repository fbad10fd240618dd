"""Receipt / ticket printers speaking ESC/POS."""
