"""Document cameras (高拍仪): capture, page detection, perspective correction, PDF."""
