public enum TrailDelivery {}
