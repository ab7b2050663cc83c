import Model

extension Session {
    /// Binds generated interaction data as variables, so a benchmark can run the language on
    /// it (`rec bench script`): `users` and `items` axes, `events`, and a content matrix `features`.
    public func bindInteractions(users: Int, items: Int, eventUsers: [Int32], eventItems: [Int32], content: Tensor) {
        var events = Events()
        for k in eventItems.indices { events.append(user: eventUsers[k], item: eventItems[k], rating: 1, time: 0) }
        variables["users"] = .object(AxisObject(.users, users, nil))
        variables["items"] = .object(AxisObject(.items, items, nil))
        variables["events"] = .object(EventsObject(events, "events", users: users, items: items))
        variables["features"] = .object(TensorObject(Variable(content)))
    }
}
