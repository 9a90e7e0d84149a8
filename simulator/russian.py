"""How the Russian-speaking panel (smmub) names products, qualities and countries."""

RUSSIAN_KINDS = {
    "Followers": "Подписчики",
    "Subscribers": "Подписчики",
    "Likes": "Лайки",
    "Post Likes": "Лайки на пост",
    "Page Likes": "Лайки страницы",
    "Views": "Просмотры",
    "Reels Views": "Просмотры Reels",
    "Video Views": "Просмотры видео",
    "Post Views": "Просмотры постов",
    "Story Views": "Просмотры историй",
    "Comments": "Комментарии",
    "Saves": "Сохранения",
    "Shares": "Репосты",
    "Retweets": "Ретвиты",
    "Mentions": "Упоминания",
    "Auto Likes": "Автолайки",
    "Members": "Участники",
    "Server Members": "Участники сервера",
    "Reactions": "Реакции",
    "Poll Votes": "Голоса в опросе",
    "Plays": "Прослушивания",
    "Monthly Listeners": "Слушатели в месяц",
    "Live Stream Views": "Зрители эфира",
    "Livestream Viewers": "Зрители трансляции",
    "Live Viewers": "Зрители трансляции",
    "Watch Hours Package": "Пакет часов просмотра",
}
RUSSIAN_PLATFORMS = {"TikTok": "ТикТок", "Telegram": "Телеграм", "Twitter": "Твиттер (X)"}
RUSSIAN_QUALITIES = {
    "Bot": "Боты",
    "HQ": "Качественные",
    "Real": "Реальные",
    "Premium Non Drop": "Премиум, без списаний",
}
RUSSIAN_GEOS = {"USA": "США", "India": "Индия", "Brazil": "Бразилия", "Arab": "Арабы"}
RUSSIAN_GEOS |= {"Russia": "Россия"}
