"""The daily challenge: one question a day per configured channel, answered privately and
revealed together; its commands, schedule, poster (exactly once), reveal and streaks."""
