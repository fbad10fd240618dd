"""Twin of the document camera (高拍仪): photographs of paper from files, and the generated samples."""
