"""What a person sees on the page: its lines of visible text, spec tables, headline, price, place,
seller and images."""
