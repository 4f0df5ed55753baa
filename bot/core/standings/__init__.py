"""What is read, not played: leaderboards, stats, topics, help and the language switch."""
