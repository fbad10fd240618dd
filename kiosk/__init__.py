"""The citizen's touch kiosk: flows (pure logic, no Qt) and screens (Qt) kept apart."""
