"""Pages for people: the call-centre console, the embeddable lookup widget and its demo."""
