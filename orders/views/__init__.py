"""Order pages: the list (listing), one order (order), and placing new ones (placing)."""
